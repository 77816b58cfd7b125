output "agent_role_arn" {
  description = "ARN of the agent role (the backup server assumes it); null with identity_type = \"user\"."
  value       = try(aws_iam_role.this["agent"].arn, null)
}

output "restore_role_arn" {
  description = "ARN of the read-only restore role; null with identity_type = \"user\"."
  value       = try(aws_iam_role.this["restore"].arn, null)
}

output "gc_role_arn" {
  description = "ARN of the gc role for the trusted operator host; null with identity_type = \"user\"."
  value       = try(aws_iam_role.this["gc"].arn, null)
}

output "identities" {
  description = "Per identity (agent, restore, gc): its type, name, ARN and managed policy ARN. Access keys for users are created outside Terraform so that no secret lands in the state."
  value = {
    for name in keys(local.policies) : name => {
      type             = var.identity_type
      name             = local.use_roles ? aws_iam_role.this[name].name : aws_iam_user.this[name].name
      arn              = local.use_roles ? aws_iam_role.this[name].arn : aws_iam_user.this[name].arn
      policy_arn       = aws_iam_policy.this[name].arn
      instance_profile = try(aws_iam_instance_profile.this[name].name, null)
    }
  }
}

output "policy_documents" {
  description = "The three identity policies as JSON, for review (`terraform output -json policy_documents`)."
  value       = local.policies
}

output "prefix" {
  description = "Key prefix the identities are confined to (the agent's `prefix`)."
  value       = var.prefix
}
