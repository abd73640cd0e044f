# dev: scales to zero when idle (no serving node runs until pods need one; AKS keeps its one system node).
environment         = "dev"
location            = "westeurope"
data_classification = "confidential"
kubernetes_version  = "1.30"
system_vm_size      = "Standard_B2s"
serving_vm_size     = "Standard_D2s_v5"
serving_min_nodes   = 0
serving_max_nodes   = 2
training_vm_size    = "Standard_D4s_v5"
training_max_nodes  = 1
monthly_budget      = 300
budget_emails       = ["{{ cookiecutter.author_email }}"]
