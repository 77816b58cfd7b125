output "agent_yaml" {
  description = "Contents of /etc/segvault/agent.yaml for this bucket, prefix and retention."
  value       = local.agent_yaml

  precondition {
    condition     = length(var.repos) > 0 || var.glob != null
    error_message = "Give repos, glob or both: the agent needs at least one repository to follow."
  }

  precondition {
    condition     = var.allow_insecure_http || !local.plain_http_elsewhere
    error_message = "The endpoint ${local.endpoint} is plain HTTP to another host, which the agent refuses (anyone on the path could forge restore points): use https://, or set allow_insecure_http = true."
  }

  precondition {
    condition     = var.max_retention_days >= var.retention_days + 2 * var.generation_days
    error_message = "The bucket's max_retention_days (${var.max_retention_days}) must be at least D + 2G = ${var.retention_days + 2 * var.generation_days} days, or the bucket policy refuses the locks the agent asks for (see docs/terraform.md)."
  }
}
