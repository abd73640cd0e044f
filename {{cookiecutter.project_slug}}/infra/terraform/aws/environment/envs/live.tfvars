# live: at least 2 serving node(s) always on.
environment            = "live"
region                 = "eu-west-1"
data_classification    = "confidential"
kubernetes_version     = "1.30"
subnet_tag             = "private"
serving_instance_type  = "m5.large"
serving_min_nodes      = 2
serving_max_nodes      = 6
training_instance_type = "m5.2xlarge"
training_max_nodes     = 2
monthly_budget         = 1200
budget_emails          = ["{{ cookiecutter.author_email }}"]
