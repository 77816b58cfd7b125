locals {
  witness_and_gc_outputs = {
    witness = {
      type             = var.identity_type
      name             = local.use_roles ? aws_iam_role.witness[0].name : aws_iam_user.witness[0].name
      arn              = local.witness_arn
      policy_arn       = aws_iam_policy.witness.arn
      instance_profile = try(aws_iam_instance_profile.witness[0].name, null)
    }
    gc = {
      type             = "role"
      name             = aws_iam_role.gc.name
      arn              = aws_iam_role.gc.arn
      policy_arn       = aws_iam_policy.this["gc"].arn
      instance_profile = null
    }
  }

  host_identity_outputs = {
    for name in local.host_identities : name => {
      type             = var.identity_type
      name             = local.use_roles ? aws_iam_role.this[name].name : aws_iam_user.this[name].name
      arn              = local.use_roles ? aws_iam_role.this[name].arn : aws_iam_user.this[name].arn
      policy_arn       = aws_iam_policy.this[name].arn
      instance_profile = try(aws_iam_instance_profile.this[name].name, null)
    }
  }
}

output "agent_role_arn" {
  description = "ARN of the agent role (the backup server assumes it); null with identity_type = \"user\"."
  value       = try(aws_iam_role.this["agent"].arn, null)
}

output "restore_role_arn" {
  description = "ARN of the read-only restore role; null with identity_type = \"user\"."
  value       = try(aws_iam_role.this["restore"].arn, null)
}

output "gc_role_arn" {
  description = "ARN of the gc role, which only the witness identity may assume (segvault gc runs on the witness host)."
  value       = aws_iam_role.gc.arn
}

output "witness_role_arn" {
  description = "ARN of the witness role (made with the aws.witness provider); null with identity_type = \"user\"."
  value       = try(aws_iam_role.witness[0].arn, null)
}

output "witness_arn" {
  description = "ARN of the witness identity, role or user: the only principal the gc role trusts."
  value       = local.witness_arn
}

output "witness_prefix" {
  description = "Key prefix the witness writes its attestations under: <prefix>_witness/."
  value       = local.witness_prefix
}

output "witness_bucket_policy_json" {
  description = "Bucket policy statements for the witness (its reads and writes, for a witness in another account, and a Deny on writes to its prefix by anyone else): pass to the bucket module's additional_policy_documents."
  value       = data.aws_iam_policy_document.witness_bucket.json
}

output "identities" {
  description = "Per identity (agent, restore, witness, gc): its type, name, ARN and managed policy ARN. Access keys for users are created outside Terraform so that no secret lands in the state."
  value       = merge(local.host_identity_outputs, local.witness_and_gc_outputs)
}

output "policy_documents" {
  description = "The four identity policies as JSON, for review (`terraform output -json policy_documents`)."
  value       = local.policies
}

output "prefix" {
  description = "Key prefix the identities are confined to (the agent's `prefix`)."
  value       = var.prefix
}
