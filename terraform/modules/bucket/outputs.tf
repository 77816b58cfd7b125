output "bucket_name" {
  description = "Name of the locked bucket (the agent's `bucket`)."
  value       = aws_s3_bucket.this.id
}

output "bucket_arn" {
  description = "ARN of the locked bucket, for the iam module and for a replication source."
  value       = aws_s3_bucket.this.arn
}

output "region" {
  description = "Region the bucket lives in (the agent's `region`)."
  value       = data.aws_region.current.name
}

output "kms_key_arn" {
  description = "ARN of the SSE-KMS key objects are encrypted with; null with SSE-S3."
  value       = local.kms_key_arn
}

output "sse_algorithm" {
  description = "Default server-side encryption of the bucket."
  value       = var.sse_algorithm
}

output "default_retention_days" {
  description = "Days of the bucket's default COMPLIANCE retention."
  value       = aws_s3_bucket_object_lock_configuration.this.rule[0].default_retention[0].days
}

output "max_retention_days" {
  description = "Longest lock, in days from now, that the bucket policy accepts."
  value       = var.max_retention_days
}

output "replication_role_arn" {
  description = "ARN of the role S3 replicates with; null without replication."
  value       = local.replicate ? aws_iam_role.replication[0].arn : null
}
