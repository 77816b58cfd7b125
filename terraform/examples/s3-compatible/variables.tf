variable "endpoint" {
  description = "S3 endpoint of the provider, for example https://s3.eu-central-1.wasabisys.com or http://127.0.0.1:7480 (a local Ceph RGW)."
  type        = string

  validation {
    condition     = can(regex("^https?://[^/]+/?$", var.endpoint))
    error_message = "The endpoint must be an http:// or https:// URL with no path, for example https://s3.example.com."
  }
}

variable "region" {
  description = "Region name the provider expects in signatures (Ceph RGW: its zonegroup, usually us-east-1)."
  type        = string
  default     = "us-east-1"
}

variable "path_style" {
  description = "Path-style requests (endpoint/bucket/key); most S3-compatible providers need them."
  type        = bool
  default     = true
}

variable "bucket_name" {
  description = "Name of the locked bucket (unique at the provider)."
  type        = string
}

variable "prefix" {
  description = "Key prefix of this agent's objects."
  type        = string
  default     = "borg/"

  validation {
    condition     = can(regex("^([A-Za-z0-9._-]+/)+$", var.prefix))
    error_message = "The prefix must be path segments each ending in '/', for example \"borg/\"."
  }
}

variable "retention_days" {
  description = "Retention duration D in days: the detection window."
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
}

variable "sse_algorithm" {
  description = "\"AES256\" where the provider has the bucket encryption API, \"none\" otherwise (Ceph RGW 16 without a key service). KMS is AWS only."
  type        = string
  default     = "none"

  validation {
    condition     = contains(["AES256", "none"], var.sse_algorithm)
    error_message = "The sse_algorithm must be \"AES256\" or \"none\" (SSE-KMS is AWS only: use examples/aws-single-region)."
  }
}

variable "public_access_block" {
  description = "Write the public access block; false for providers without that API."
  type        = bool
  default     = true
}

variable "bucket_policy" {
  description = "Write the bucket policy (lock mode, retention cap, no governance bypass); false for providers without bucket policies."
  type        = bool
  default     = true
}

variable "deny_insecure_transport" {
  description = "Deny requests without TLS in the bucket policy; false only for an endpoint reached over plain HTTP (a local test server)."
  type        = bool
  default     = true
}

variable "policy_lock_conditions" {
  description = "Include the policy statements keyed on s3:object-lock-* (COMPLIANCE only, the retention cap); false for providers that do not set those keys (Ceph RGW 16: with them every PutObject is denied)."
  type        = bool
  default     = true
}

variable "lifecycle_rules" {
  description = "Write the lifecycle rules; false for providers without the lifecycle API."
  type        = bool
  default     = true
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
  default     = null
}

variable "state_dir" {
  description = "The agent's state directory."
  type        = string
  default     = "/var/lib/segvault"
}

variable "tags" {
  description = "Tags for every resource (providers without bucket tagging ignore or refuse them: leave empty there)."
  type        = map(string)
  default     = {}
}

variable "require_if_none_match" {
  description = "Deny writes without If-None-Match in the bucket policy (put-once for every credential). Only where the provider evaluates the s3:if-none-match condition key; Ceph RGW 16 does not (measured: the statement is a no-op there), so off by default."
  type        = bool
  default     = false
}
