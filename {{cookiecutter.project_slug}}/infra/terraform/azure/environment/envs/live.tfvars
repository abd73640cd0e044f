# live: at least 2 serving node(s) always on.
environment         = "live"
location            = "westeurope"
data_classification = "confidential"
kubernetes_version  = "1.30"
system_vm_size      = "Standard_B2s"
serving_vm_size     = "Standard_D2s_v5"
serving_min_nodes   = 2
serving_max_nodes   = 6
training_vm_size    = "Standard_D8s_v5"
training_max_nodes  = 2
monthly_budget      = 1200
budget_emails       = ["{{ cookiecutter.author_email }}"]
