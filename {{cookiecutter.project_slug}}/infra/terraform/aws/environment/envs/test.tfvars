# test: scales to zero when idle (no serving node runs until pods need one).
environment            = "test"
region                 = "eu-west-1"
data_classification    = "confidential"
kubernetes_version     = "1.30"
subnet_tag             = "private"
serving_instance_type  = "t3.large"
serving_min_nodes      = 0
serving_max_nodes      = 2
training_instance_type = "m5.xlarge"
training_max_nodes     = 1
monthly_budget         = 300
budget_emails          = ["{{ cookiecutter.author_email }}"]
