# uat: at least 1 serving node(s) always on.
environment         = "uat"
location            = "westeurope"
data_classification = "confidential"
kubernetes_version  = "1.30"
system_vm_size      = "Standard_B2s"
serving_vm_size     = "Standard_D2s_v5"
serving_min_nodes   = 1
serving_max_nodes   = 3
training_vm_size    = "Standard_D4s_v5"
training_max_nodes  = 2
monthly_budget      = 500
budget_emails       = ["{{ cookiecutter.author_email }}"]
