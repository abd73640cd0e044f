location                = "westeurope"
data_classification     = "confidential"
noncurrent_version_days = 30
