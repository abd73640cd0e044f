# uat: at least 1 serving node(s) always on.
environment            = "uat"
region                 = "eu-west-1"
data_classification    = "confidential"
kubernetes_version     = "1.30"
subnet_tag             = "private"
serving_instance_type  = "m5.large"
serving_min_nodes      = 1
serving_max_nodes      = 3
training_instance_type = "m5.xlarge"
training_max_nodes     = 2
monthly_budget         = 500
budget_emails          = ["{{ cookiecutter.author_email }}"]
