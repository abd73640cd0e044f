region                  = "eu-west-1"
data_classification     = "confidential"
noncurrent_version_days = 30
