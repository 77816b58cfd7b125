variable "bucket_name" {
  description = "Name of the S3 bucket. Object Lock can only be enabled when a bucket is created, so changing this creates a new bucket."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.bucket_name)) && !can(regex("\\.\\.", var.bucket_name))
    error_message = "The bucket_name must be 3-63 characters of lowercase letters, digits, dots and hyphens, start and end with a letter or digit, and contain no '..'."
  }
}

variable "default_retention_days" {
  description = "Days of the bucket's default COMPLIANCE retention. It applies only to object versions written without an explicit retain-until date (the agent always sends one), so it is a backstop: set it to the agent's retention.duration (D)."
  type        = number

  validation {
    condition     = var.default_retention_days >= 1 && var.default_retention_days <= 3650 && floor(var.default_retention_days) == var.default_retention_days
    error_message = "The default_retention_days must be a whole number of days between 1 and 3650."
  }
}

variable "max_retention_days" {
  description = "Cap on s3:object-lock-remaining-retention-days for PutObject and PutObjectRetention: the bucket policy denies any lock longer than this, so a stolen credential cannot lock data (and its cost) for decades. Must be at least D + G of the agent's retention settings plus a margin, and at least default_retention_days."
  type        = number

  validation {
    condition     = var.max_retention_days >= 1 && var.max_retention_days <= 3650 && floor(var.max_retention_days) == var.max_retention_days
    error_message = "The max_retention_days must be a whole number of days between 1 and 3650."
  }
}

variable "sse_algorithm" {
  description = "Default server-side encryption: \"AES256\" (SSE-S3, the default: no key anyone could disable or delete), \"aws:kms\" (SSE-KMS with a customer managed key; a key made here needs kms_break_glass_role_arn and generation_days, and D + G <= 29), or \"none\" for S3-compatible providers without a bucket encryption API (no encryption configuration is written)."
  type        = string
  default     = "AES256"

  validation {
    condition     = contains(["aws:kms", "AES256", "none"], var.sse_algorithm)
    error_message = "The sse_algorithm must be \"aws:kms\", \"AES256\" or \"none\"."
  }
}

variable "kms_key_arn" {
  description = "ARN of an existing customer managed KMS key for SSE-KMS. Null creates a dedicated key with yearly rotation. Ignored when sse_algorithm is \"AES256\"."
  type        = string
  default     = null

  validation {
    condition     = var.kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[A-Za-z0-9-]+$", var.kms_key_arn))
    error_message = "The kms_key_arn must be null or a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>); aliases are not accepted."
  }
}

variable "kms_key_deletion_window_days" {
  description = "Waiting period before a KMS key created by this module is deleted. Deleting the key makes every object in the bucket unreadable: it must be longer than D + G (default_retention_days + generation_days), and AWS allows at most 30."
  type        = number
  default     = 30

  validation {
    condition     = var.kms_key_deletion_window_days >= 7 && var.kms_key_deletion_window_days <= 30
    error_message = "The kms_key_deletion_window_days must be between 7 and 30."
  }
}

variable "generation_days" {
  description = "The agent's generation length G in days (retention.generation). Only needed when this module creates a KMS key, whose deletion window must be longer than D + G."
  type        = number
  default     = null

  validation {
    condition     = var.generation_days == null || try(var.generation_days >= 1 && floor(var.generation_days) == var.generation_days, false)
    error_message = "The generation_days must be null or a whole number of days, at least 1."
  }
}

variable "kms_break_glass_role_arn" {
  description = "IAM role ARN that alone may disable, schedule the deletion of, change the policy of, or create grants on a KMS key this module creates. Required for such a key; keep the role out of everyday reach (another account, MFA, an SCP guarding its trust policy)."
  type        = string
  default     = null

  validation {
    condition     = var.kms_break_glass_role_arn == null || can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/.+$", var.kms_break_glass_role_arn))
    error_message = "The kms_break_glass_role_arn must be null or an IAM role ARN (arn:aws:iam::<account>:role/<name>)."
  }
}

variable "kms_key_user_arns" {
  description = "Principals of other accounts (a witness role, a source bucket's replication role) that the key policy of a key made here lets encrypt and decrypt through S3. Principals of the bucket's own account need only their IAM policy."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for arn in var.kms_key_user_arns : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:", arn))])
    error_message = "Every kms_key_user_arns entry must be an IAM ARN (arn:aws:iam::<account>:...)."
  }
}

variable "additional_policy_documents" {
  description = "More bucket policy documents (JSON) merged into the bucket policy, for example output witness_bucket_policy_json of the iam module. Statement ids must not repeat the module's own."
  type        = list(string)
  default     = []
}

variable "replication_source_role_arns" {
  description = "For a replica in another account than its source: the source bucket's replication role ARNs (output replication_role_arn of the source's bucket module), which this bucket's policy then lets replicate into it. Empty for no cross-account grant."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for arn in var.replication_source_role_arns : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/", arn))])
    error_message = "Every replication_source_role_arns entry must be an IAM role ARN."
  }
}

variable "abort_incomplete_multipart_days" {
  description = "Days after which the lifecycle aborts multipart uploads that were never completed (their parts are billed but never locked). The agent also aborts its own stale uploads at start; this is the backstop."
  type        = number
  default     = 7

  validation {
    condition     = var.abort_incomplete_multipart_days >= 1 && var.abort_incomplete_multipart_days <= 365
    error_message = "The abort_incomplete_multipart_days must be between 1 and 365."
  }
}

variable "noncurrent_version_expiration_days" {
  description = "Days after a version becomes noncurrent (overwritten or hidden by a delete marker) before the lifecycle deletes it. Object Lock stops the lifecycle from deleting a version that is still locked, so this only removes versions whose lock has run out. Null uses max_retention_days."
  type        = number
  default     = null

  validation {
    condition     = var.noncurrent_version_expiration_days == null || try(var.noncurrent_version_expiration_days >= 1, false)
    error_message = "The noncurrent_version_expiration_days must be null or at least 1."
  }
}

variable "replication" {
  description = "Null for no replication. Otherwise the replica: another bucket made with this module (so it is Object Lock + COMPLIANCE too), normally in another region. destination_kms_key_arn is required when this bucket uses SSE-KMS (the replica is encrypted with that key)."
  type = object({
    destination_bucket_arn  = string
    destination_kms_key_arn = optional(string)
    storage_class           = optional(string, "STANDARD")
  })
  default = null

  validation {
    condition     = var.replication == null || can(regex("^arn:aws[a-z-]*:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.replication.destination_bucket_arn))
    error_message = "The replication.destination_bucket_arn must be an S3 bucket ARN (arn:aws:s3:::<bucket>)."
  }

  validation {
    condition     = var.replication == null || contains(["STANDARD", "STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING", "GLACIER_IR"], try(var.replication.storage_class, "STANDARD"))
    error_message = "The replication.storage_class must be one of STANDARD, STANDARD_IA, ONEZONE_IA, INTELLIGENT_TIERING, GLACIER_IR."
  }
}

variable "require_if_none_match" {
  description = "Deny s3:PutObject and CompleteMultipartUpload without an If-None-Match header (condition keys s3:if-none-match and s3:ObjectCreationOperation), so no credential, the agent's included, can add a version to a key that exists. AWS S3 evaluates these keys; set false only for an S3-compatible service that does not, where this statement would deny every write. The agent sends If-None-Match: * when its `endpoint` is unset (AWS)."
  type        = bool
  default     = true
}

variable "tags" {
  description = "Tags for every resource this module creates."
  type        = map(string)
  default     = {}
}

# Switches for S3-compatible providers (examples/s3-compatible): each defaults to what AWS S3 supports.

variable "ownership_controls" {
  description = "Write the BucketOwnerEnforced ownership controls (ACLs off). AWS only: most S3-compatible providers have no OwnershipControls API."
  type        = bool
  default     = true
}

variable "public_access_block" {
  description = "Write the public access block (all four settings on). Turn off only for a provider without the PublicAccessBlock API."
  type        = bool
  default     = true
}

variable "bucket_policy" {
  description = "Write the bucket policy (lock mode, retention cap, no bypass, and TLS when deny_insecure_transport). Turn off only for a provider without bucket policies."
  type        = bool
  default     = true
}

variable "deny_insecure_transport" {
  description = "Include the policy statement that denies every request without TLS (aws:SecureTransport). Turn off only for an endpoint reached over plain HTTP, such as a local test server."
  type        = bool
  default     = true
}

variable "policy_lock_conditions" {
  description = "Include the policy statements keyed on s3:object-lock-mode and s3:object-lock-remaining-retention-days (COMPLIANCE only, the retention cap). Turn off for a provider that does not set those keys (Ceph RGW 16 denies every PutObject with them)."
  type        = bool
  default     = true
}

variable "lifecycle_rules" {
  description = "Write the lifecycle rules (abort stale multipart uploads, expire unlocked noncurrent versions, remove orphan delete markers). Turn off only for a provider without the lifecycle API."
  type        = bool
  default     = true
}
