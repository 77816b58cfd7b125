variable "region" {
  description = "AWS region of the bucket."
  type        = string
  default     = "eu-central-1"
}

variable "bucket_name" {
  description = "Globally unique name of the locked bucket."
  type        = string
}

variable "replica_region" {
  description = "AWS region of the replica bucket; must differ from region."
  type        = string
  default     = "eu-west-1"
}

variable "replica_account_role_arn" {
  description = "Role in the replica's AWS account that Terraform assumes to create the replica bucket (another account than the primary's)."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/.+$", var.replica_account_role_arn))
    error_message = "The replica_account_role_arn must be an IAM role ARN (arn:aws:iam::<account>:role/<name>)."
  }
}

variable "replica_kms_break_glass_role_arn" {
  description = "With sse_algorithm = \"aws:kms\": the break-glass role of the replica's key, a role of the replica's account; null uses kms_break_glass_role_arn."
  type        = string
  default     = null
}

variable "replica_bucket_name" {
  description = "Globally unique name of the replica bucket."
  type        = string
}

variable "prefix" {
  description = "Key prefix of this agent's objects; the identities are confined to it."
  type        = string
  default     = "borg/"
}

variable "retention_days" {
  description = "Retention duration D in days: the detection window. Every restore point stays restorable at least D days after a newer one replaces it."
  type        = number
  default     = 30
}

variable "generation_days" {
  description = "Generation length G in days: live objects are extended once per generation."
  type        = number
  default     = 10
}

variable "retention_cap_slack_days" {
  description = "Days added to D + 2G for the bucket's retention cap (clock skew and whole-day rounding)."
  type        = number
  default     = 5

  validation {
    condition     = var.retention_cap_slack_days >= 1 && var.retention_cap_slack_days <= 30
    error_message = "The retention_cap_slack_days must be between 1 and 30."
  }
}

variable "sse_algorithm" {
  description = "\"AES256\" (SSE-S3, the default) or \"aws:kms\" (a customer managed key is created: needs kms_break_glass_role_arn, and D + G <= 29 because its deletion window must outlast D + G and AWS allows at most 30 days)."
  type        = string
  default     = "AES256"
}

variable "kms_break_glass_role_arn" {
  description = "With sse_algorithm = \"aws:kms\": the only role that may disable the key, schedule its deletion, change its policy or create grants."
  type        = string
  default     = null
}

variable "identity_type" {
  description = "\"role\" or \"user\" for the agent, restore and witness identities (gc is always a role only the witness may assume)."
  type        = string
  default     = "role"
}

variable "trusted_principals" {
  description = "Who may assume the agent, restore and witness roles (identity_type = \"role\"), see the iam module. gc takes none: only the witness may assume it."
  type = object({
    agent   = object({ aws = optional(list(string), []), services = optional(list(string), []) })
    restore = object({ aws = optional(list(string), []), services = optional(list(string), []) })
    witness = object({ aws = optional(list(string), []), services = optional(list(string), []) })
  })
  default = {
    agent   = {}
    restore = {}
    witness = {}
  }
}

variable "require_mfa" {
  description = "Let the witness assume the gc role only with MFA (see the iam module)."
  type        = bool
  default     = false
}

variable "repos" {
  description = "Borg repositories the agent follows."
  type = list(object({
    name = string
    path = string
  }))
  default = []
}

variable "glob" {
  description = "Absolute glob that finds repositories, for example \"/srv/borg-repos/*\"."
  type        = string
  default     = "/srv/borg-repos/*"
}

variable "tags" {
  description = "Tags for every resource."
  type        = map(string)
  default     = { application = "segvault" }
}
