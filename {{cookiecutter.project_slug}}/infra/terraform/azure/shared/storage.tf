# One private storage account, encrypted at rest, with blob versioning, two containers:
# the DVC remote (raw data and pipeline outputs, remote "live") and the model registry
# (versions/ and aliases/<env>.json under registry/, see
# src/{{ cookiecutter.package_name }}/registry/store.py).
resource "azurerm_resource_group" "shared" {
  name     = "${var.project}-shared"
  location = var.location
  tags     = local.tags
}

resource "azurerm_storage_account" "store" {
  # Letters and digits only, 3 to 24 characters.
  name                            = substr(replace(var.project, "-", ""), 0, 24)
  resource_group_name             = azurerm_resource_group.shared.name
  location                        = azurerm_resource_group.shared.location
  account_tier                    = "Standard"
  account_replication_type        = "ZRS"
  min_tls_version                 = "TLS1_2"
  https_traffic_only_enabled      = true
  public_network_access_enabled   = false
  allow_nested_items_to_be_public = false
  shared_access_key_enabled       = false
  tags                            = local.tags
  # checkov:skip=CKV2_AZURE_1: encrypted at rest with platform-managed keys; a customer-managed key needs a Key Vault with purge protection, add one if your data classification requires it
  # checkov:skip=CKV2_AZURE_33: the private endpoint belongs to the network of your platform, which this project does not own
  # checkov:skip=CKV_AZURE_206: zone-redundant storage; geo-replication doubles the storage cost
  # checkov:skip=CKV_AZURE_33: the account serves blobs only; no queue to log
  # checkov:skip=CKV_AZURE_43: the name is computed (the project's slug without hyphens, cut to 24 characters), which checkov cannot read
  blob_properties {
    versioning_enabled = true
    delete_retention_policy {
      days = var.noncurrent_version_days
    }
    container_delete_retention_policy {
      days = var.noncurrent_version_days
    }
  }
  sas_policy {
    expiration_period = "01.00:00:00"
  }
}

locals {
  # The container names the project's URLs use (.dvc/config, infra/k8s/base/deployment.yaml).
  buckets = {
    dvc    = "${var.project}-dvc-live"
    models = "${var.project}-models"
  }
}

resource "azurerm_storage_container" "store" {
  # checkov:skip=CKV2_AZURE_21: blob read logs are a diagnostic setting to the platform's Log Analytics workspace, which this project does not own
  for_each              = local.buckets
  name                  = each.value
  storage_account_id    = azurerm_storage_account.store.id
  container_access_type = "private"
}

# Old versions of overwritten blobs (an alias moves on each promotion) expire.
resource "azurerm_storage_management_policy" "store" {
  storage_account_id = azurerm_storage_account.store.id
  rule {
    name    = "expire-noncurrent"
    enabled = true
    filters {
      blob_types = ["blockBlob"]
    }
    actions {
      version {
        delete_after_days_since_creation = var.noncurrent_version_days
      }
    }
  }
}
