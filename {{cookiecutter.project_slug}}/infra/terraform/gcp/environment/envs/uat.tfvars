# uat: at least 1 serving node(s) always on.
environment           = "uat"
region                = "europe-west1"
gcp_project           = "{{ cookiecutter.project_slug }}"
network               = "default"
subnetwork            = "default"
data_classification   = "confidential"
kubernetes_version    = "1.30"
serving_machine_type  = "n2-standard-2"
serving_min_nodes     = 1
serving_max_nodes     = 3
training_machine_type = "n2-standard-4"
training_max_nodes    = 2
monthly_budget        = 500
budget_channels       = []
