# test: scales to zero when idle (no serving node runs until pods need one).
environment           = "test"
region                = "europe-west1"
gcp_project           = "{{ cookiecutter.project_slug }}"
network               = "default"
subnetwork            = "default"
data_classification   = "confidential"
kubernetes_version    = "1.30"
serving_machine_type  = "e2-standard-2"
serving_min_nodes     = 0
serving_max_nodes     = 2
training_machine_type = "n2-standard-4"
training_max_nodes    = 1
monthly_budget        = 300
budget_channels       = []
