output "buckets" {
  description = "The DVC remote's and the model registry's bucket names."
  value       = { for key, bucket in google_storage_bucket.store : key => bucket.name }
}

output "service_accounts" {
  description = "The e-mail of CI's and the pods' service accounts."
  value       = { for key, account in google_service_account.workload : key => account.email }
}
