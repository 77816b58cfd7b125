variable "name_prefix" {
  description = "Prefix of the IAM role/user and policy names; the identities are <name_prefix>-agent, <name_prefix>-restore, <name_prefix>-witness and <name_prefix>-gc."
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
  description = "Who may assume each role (identity_type = \"role\"): AWS principal ARNs and service principals for agent, restore and witness. Each needs at least one entry. gc takes none: only the witness identity may assume it (leave gc out). Ignored for users."
  type = object({
    agent   = object({ aws = optional(list(string), []), services = optional(list(string), []) })
    restore = object({ aws = optional(list(string), []), services = optional(list(string), []) })
    witness = object({ aws = optional(list(string), []), services = optional(list(string), []) })
    gc      = optional(object({ aws = optional(list(string), []), services = optional(list(string), []) }), {})
  })
  default = {
    agent   = {}
    restore = {}
    witness = {}
  }

  validation {
    condition = alltrue(flatten([
      for identity in ["agent", "restore", "witness"] : [
        for arn in var.trusted_principals[identity].aws : can(regex("^arn:aws[a-z-]*:(iam|sts)::[0-9]{12}:", arn))
      ]
    ]))
    error_message = "Every trusted_principals.<identity>.aws entry must be an IAM or STS ARN (arn:aws:iam::<account>:...)."
  }

  validation {
    condition     = length(var.trusted_principals.gc.aws) + length(var.trusted_principals.gc.services) == 0
    error_message = "trusted_principals.gc must be empty: the gc role is assumable only by the witness identity this module makes (and with MFA when require_mfa = true), so that no credential on the backup server or the prune host can delete. Remove gc and set trusted_principals.witness to the witness host's principal."
  }
}

variable "require_mfa" {
  description = "Let the witness assume the gc role only when the AssumeRole call carries MFA (aws:MultiFactorAuthPresent). Only an IAM user's MFA device can provide it, so with a witness role running from an instance profile gc becomes a manual act of an operator; see docs/terraform.md."
  type        = bool
  default     = false
}

variable "witness_permissions_boundary_arn" {
  description = "Optional permissions boundary for the witness role or user, which lives in the account of the aws.witness provider (var.permissions_boundary_arn names a policy of the bucket's account)."
  type        = string
  default     = null
}

variable "create_instance_profiles" {
  description = "Also create an EC2 instance profile for the agent, restore and witness roles (for hosts that run in EC2). Only with identity_type = \"role\"."
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
