variable "name_prefix" {
  description = "Prefix of the IAM role/user and policy names; the identities are <name_prefix>-agent, <name_prefix>-restore and <name_prefix>-gc."
  type        = string
  default     = "segvault"

  validation {
    condition     = can(regex("^[A-Za-z0-9+=,.@_-]{1,48}$", var.name_prefix))
    error_message = "The name_prefix must be 1-48 characters from A-Z a-z 0-9 +=,.@_- (IAM name rules, leaving room for the suffix)."
  }
}

variable "bucket_arn" {
  description = "ARN of the locked bucket (output bucket_arn of the bucket module)."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.bucket_arn))
    error_message = "The bucket_arn must be an S3 bucket ARN (arn:aws:s3:::<bucket>)."
  }
}

variable "prefix" {
  description = "Key prefix the identities are confined to; the agent's `prefix`. Non-empty and ending in '/', so that one bucket can serve several agents without any of them reaching another's objects."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*/$", var.prefix))
    error_message = "The prefix must be non-empty path segments of A-Z a-z 0-9 . _ - separated by '/', ending in '/' (for example \"borg/\" or \"site-a/borg/\"); no leading '/', no '//', no wildcards."
  }
}

variable "kms_key_arn" {
  description = "ARN of the bucket's SSE-KMS key (output kms_key_arn of the bucket module); null when the bucket uses SSE-S3."
  type        = string
  default     = null

  validation {
    condition     = var.kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[A-Za-z0-9-]+$", var.kms_key_arn))
    error_message = "The kms_key_arn must be null or a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>)."
  }
}

variable "identity_type" {
  description = "\"role\" creates IAM roles that the principals in trusted_principals may assume (EC2 instance profiles, IAM Roles Anywhere, SSO users); \"user\" creates IAM users for hosts outside AWS. This module never creates access keys: they would land in the Terraform state."
  type        = string
  default     = "role"

  validation {
    condition     = contains(["role", "user"], var.identity_type)
    error_message = "The identity_type must be \"role\" or \"user\"."
  }
}

variable "trusted_principals" {
  description = "Who may assume each role (identity_type = \"role\"): AWS principal ARNs and service principals per identity. Each identity needs at least one entry. Ignored for users."
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

  validation {
    condition = alltrue(flatten([
      for identity in ["agent", "restore", "gc"] : [
        for arn in var.trusted_principals[identity].aws : can(regex("^arn:aws[a-z-]*:(iam|sts)::[0-9]{12}:", arn))
      ]
    ]))
    error_message = "Every trusted_principals.<identity>.aws entry must be an IAM or STS ARN (arn:aws:iam::<account>:...)."
  }
}

variable "create_instance_profiles" {
  description = "Also create an EC2 instance profile per role (for a backup server or operator host that runs in EC2). Only with identity_type = \"role\"."
  type        = bool
  default     = false
}

variable "permissions_boundary_arn" {
  description = "Optional permissions boundary attached to every role or user."
  type        = string
  default     = null
}

variable "tags" {
  description = "Tags for every resource this module creates."
  type        = map(string)
  default     = {}
}
