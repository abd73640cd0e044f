output "storage_account" {
  description = "The storage account that holds the DVC remote's and the registry's containers."
  value       = azurerm_storage_account.store.name
}

output "identities" {
  description = "Client ids of CI's and the pods' identities."
  value       = { for key, identity in azurerm_user_assigned_identity.workload : key => identity.client_id }
}
