gcp_project             = "{{ cookiecutter.project_slug }}"
region                  = "europe-west1"
data_classification     = "confidential"
noncurrent_version_days = 30
data_scientists_group   = "data-scientists@example.com"
ml_engineers_group      = "ml-engineers@example.com"
