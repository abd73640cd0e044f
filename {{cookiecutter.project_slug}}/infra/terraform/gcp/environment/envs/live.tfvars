# live: at least 2 serving node(s) always on.
environment           = "live"
region                = "europe-west1"
gcp_project           = "{{ cookiecutter.project_slug }}"
network               = "default"
subnetwork            = "default"
data_classification   = "confidential"
kubernetes_version    = "1.30"
serving_machine_type  = "n2-standard-2"
serving_min_nodes     = 2
serving_max_nodes     = 6
training_machine_type = "n2-standard-8"
training_max_nodes    = 2
monthly_budget        = 1200
budget_channels       = []
