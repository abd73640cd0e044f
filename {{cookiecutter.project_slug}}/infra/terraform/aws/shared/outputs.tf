output "buckets" {
  description = "The DVC remote's and the model registry's bucket names."
  value       = { for key, bucket in aws_s3_bucket.store : key => bucket.id }
}

output "roles" {
  description = "Role ARNs by kind of user."
  value = {
    data_scientist = aws_iam_role.data_scientist.arn
    ml_engineer    = aws_iam_role.ml_engineer.arn
    ci_deployer    = aws_iam_role.ci_deployer.arn
    serving        = aws_iam_role.serving.arn
    training       = aws_iam_role.training.arn
  }
}
