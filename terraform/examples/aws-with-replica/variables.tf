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
  description = "\"aws:kms\" (a customer managed key is created) or \"AES256\" (SSE-S3)."
  type        = string
  default     = "aws:kms"
}

variable "identity_type" {
  description = "\"role\" or \"user\" for the agent, restore and gc identities."
  type        = string
  default     = "role"
}

variable "trusted_principals" {
  description = "Who may assume each role (identity_type = \"role\"), see the iam module."
  type = object({
    agent   = object({ aws = optional(list(string), []), services = optional(list(string), []) })
    restore = object({ aws = optional(list(string), []), services = optional(list(string), []) })
    gc      = object({ aws = optional(list(string), []), services = optional(list(string), []) })
  })
  default = {
    agent   = {}
    restore = {}
    gc      = {}
  }
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
