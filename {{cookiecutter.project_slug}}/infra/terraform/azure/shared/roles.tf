# Least privilege, one role per kind of user (docs/environments-and-security.md has the
# table). A role's rights are its role assignments below and nothing else. Reading is
# "Storage Blob Data Reader" on a container; writing is "Storage Blob Data Contributor"
# limited by an attribute-based condition to the blobs the role may write (any other
# write, and every delete, is refused). tests/unit/test_roles.py reads these assignments
# and fails when a role holds more than its list, or when any role but ci_deployer may
# write aliases/live.json.
#
# People are Entra ID groups; CI and the pods are user-assigned identities (the pods'
# through workload identity federation, environment/compute.tf).

resource "azurerm_user_assigned_identity" "workload" {
  for_each            = toset(["ci-deployer", "serving", "training"])
  name                = "${var.project}-${each.key}"
  resource_group_name = azurerm_resource_group.shared.name
  location            = azurerm_resource_group.shared.location
  tags                = local.tags
}

resource "azurerm_role_assignment" "data_scientist_read_dvc" {
  scope                = azurerm_storage_container.store["dvc"].resource_manager_id
  role_definition_name = "Storage Blob Data Reader"
  principal_id         = var.data_scientists_group
}

resource "azurerm_role_assignment" "data_scientist_read_models" {
  scope                = azurerm_storage_container.store["models"].resource_manager_id
  role_definition_name = "Storage Blob Data Reader"
  principal_id         = var.data_scientists_group
}

resource "azurerm_role_assignment" "data_scientist_write_models_versions" {
  scope                = azurerm_storage_container.store["models"].resource_manager_id
  role_definition_name = "Storage Blob Data Contributor"
  principal_id         = var.data_scientists_group
  condition_version    = "2.0"
  condition            = <<-EOT
    (
      !(ActionMatches{'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/write'})
      AND !(ActionMatches{'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/add/action'})
      AND !(ActionMatches{'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/delete'})
    )
    OR
    (
      @Resource[Microsoft.Storage/storageAccounts/blobServices/containers/blobs:path] StringStartsWith 'registry/versions/'
      AND !(ActionMatches{'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/delete'})
    )
  EOT
}

resource "azurerm_role_assignment" "data_scientist_write_models_dev" {
  scope                = azurerm_storage_container.store["models"].resource_manager_id
  role_definition_name = "Storage Blob Data Contributor"
  principal_id         = var.data_scientists_group
  condition_version    = "2.0"
  condition            = <<-EOT
    (
      !(ActionMatches{'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/write'})
      AND !(ActionMatches{'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/add/action'})
      AND !(ActionMatches{'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/delete'})
    )
    OR
    (
      @Resource[Microsoft.Storage/storageAccounts/blobServices/containers/blobs:path] StringEquals 'registry/aliases/dev.json'
      AND !(ActionMatches{'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/delete'})
    )
  EOT
}

resource "azurerm_role_assignment" "ml_engineer_read_models" {
  scope                = azurerm_storage_container.store["models"].resource_manager_id
  role_definition_name = "Storage Blob Data Reader"
  principal_id         = var.ml_engineers_group
}

resource "azurerm_role_assignment" "ml_engineer_write_models_test" {
  scope                = azurerm_storage_container.store["models"].resource_manager_id
  role_definition_name = "Storage Blob Data Contributor"
  principal_id         = var.ml_engineers_group
  condition_version    = "2.0"
  condition            = <<-EOT
    (
      !(ActionMatches{'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/write'})
      AND !(ActionMatches{'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/add/action'})
      AND !(ActionMatches{'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/delete'})
    )
    OR
    (
      @Resource[Microsoft.Storage/storageAccounts/blobServices/containers/blobs:path] StringEquals 'registry/aliases/test.json'
      AND !(ActionMatches{'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/delete'})
    )
  EOT
}

resource "azurerm_role_assignment" "ml_engineer_write_models_uat" {
  scope                = azurerm_storage_container.store["models"].resource_manager_id
  role_definition_name = "Storage Blob Data Contributor"
  principal_id         = var.ml_engineers_group
  condition_version    = "2.0"
  condition            = <<-EOT
    (
      !(ActionMatches{'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/write'})
      AND !(ActionMatches{'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/add/action'})
      AND !(ActionMatches{'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/delete'})
    )
    OR
    (
      @Resource[Microsoft.Storage/storageAccounts/blobServices/containers/blobs:path] StringEquals 'registry/aliases/uat.json'
      AND !(ActionMatches{'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/delete'})
    )
  EOT
}

resource "azurerm_role_assignment" "ci_deployer_read_models" {
  scope                = azurerm_storage_container.store["models"].resource_manager_id
  role_definition_name = "Storage Blob Data Reader"
  principal_id         = azurerm_user_assigned_identity.workload["ci-deployer"].principal_id
}

resource "azurerm_role_assignment" "ci_deployer_write_models_live" {
  scope                = azurerm_storage_container.store["models"].resource_manager_id
  role_definition_name = "Storage Blob Data Contributor"
  principal_id         = azurerm_user_assigned_identity.workload["ci-deployer"].principal_id
  condition_version    = "2.0"
  condition            = <<-EOT
    (
      !(ActionMatches{'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/write'})
      AND !(ActionMatches{'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/add/action'})
      AND !(ActionMatches{'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/delete'})
    )
    OR
    (
      @Resource[Microsoft.Storage/storageAccounts/blobServices/containers/blobs:path] StringEquals 'registry/aliases/live.json'
      AND !(ActionMatches{'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/delete'})
    )
  EOT
}

resource "azurerm_role_assignment" "serving_read_models" {
  scope                = azurerm_storage_container.store["models"].resource_manager_id
  role_definition_name = "Storage Blob Data Reader"
  principal_id         = azurerm_user_assigned_identity.workload["serving"].principal_id
}

resource "azurerm_role_assignment" "training_read_dvc" {
  scope                = azurerm_storage_container.store["dvc"].resource_manager_id
  role_definition_name = "Storage Blob Data Reader"
  principal_id         = azurerm_user_assigned_identity.workload["training"].principal_id
}

resource "azurerm_role_assignment" "training_write_dvc" {
  scope                = azurerm_storage_container.store["dvc"].resource_manager_id
  role_definition_name = "Storage Blob Data Contributor"
  principal_id         = azurerm_user_assigned_identity.workload["training"].principal_id
  # The whole container: no condition.
}
