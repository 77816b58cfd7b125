variable "bucket" {
  description = "Name of the locked bucket (`bucket`)."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.bucket))
    error_message = "The bucket must be a valid S3 bucket name."
  }
}

variable "region" {
  description = "Region of the bucket (`region`)."
  type        = string

  validation {
    condition     = can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]+$", var.region))
    error_message = "The region must look like an AWS region name, for example \"eu-central-1\"."
  }
}

variable "endpoint" {
  description = "S3 endpoint URL (`endpoint`); null for AWS S3, set it for another S3 service."
  type        = string
  default     = null

  validation {
    condition     = var.endpoint == null || can(regex("^https?://[^/]+", var.endpoint))
    error_message = "The endpoint must be null or an http(s) URL."
  }
}

variable "allow_insecure_http" {
  description = "Accept a plain http:// endpoint on another host (`allowInsecureHttp`). The agent refuses one otherwise: anyone on the path could forge restore points. Loopback needs no permission."
  type        = bool
  default     = false
}

variable "path_style" {
  description = "Use path-style addressing (`pathStyle`); false for AWS S3."
  type        = bool
  default     = false
}

variable "prefix" {
  description = "Key prefix of this agent's objects (`prefix`); the same prefix the iam module confines the identities to."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*/$", var.prefix))
    error_message = "The prefix must be non-empty path segments separated by '/' and end in '/'."
  }
}

variable "repos" {
  description = "Borg repositories to replicate (`repos`): a name (its key under the prefix) and the repository's absolute path."
  type = list(object({
    name = string
    path = string
  }))
  default = []

  validation {
    condition     = alltrue([for r in var.repos : can(regex("^[A-Za-z0-9._-]+$", r.name)) && startswith(r.path, "/")])
    error_message = "Every repo needs a name of A-Z a-z 0-9 . _ - and an absolute path."
  }

  validation {
    condition     = length(distinct([for r in var.repos : r.name])) == length(var.repos)
    error_message = "Repository names must be unique."
  }
}

variable "glob" {
  description = "Absolute glob that finds repositories (`glob`), for example \"/srv/borg-repos/*\"; each match's directory name is its repository name. Null to list repos only."
  type        = string
  default     = null

  validation {
    condition     = var.glob == null || try(startswith(var.glob, "/"), false)
    error_message = "The glob must be an absolute path pattern."
  }
}

variable "retention_days" {
  description = "Retention duration D in days (`retention.duration`): every object version stays locked at least D days, and every restore point stays restorable at least D days after a newer one replaces it. This is the window in which an attack must be detected."
  type        = number

  validation {
    condition     = var.retention_days >= 1 && floor(var.retention_days) == var.retention_days
    error_message = "The retention_days must be a whole number of days, at least 1."
  }
}

variable "generation_days" {
  description = "Generation length G in days (`retention.generation`): objects written in one generation share one retain-until date, and live objects are extended once per generation."
  type        = number

  validation {
    condition     = var.generation_days >= 1 && floor(var.generation_days) == var.generation_days
    error_message = "The generation_days must be a whole number of days, at least 1."
  }
}

variable "max_retention_days" {
  description = "The bucket's retention cap (bucket module max_retention_days); only checked against D and G here, it does not appear in the file."
  type        = number
}

variable "state_dir" {
  description = "Directory of the agent's local ledger (`state`)."
  type        = string
  default     = "/var/lib/segvault"

  validation {
    condition     = startswith(var.state_dir, "/")
    error_message = "The state_dir must be an absolute path."
  }
}

variable "upload_concurrency" {
  description = "Segments uploaded at once (`upload.concurrency`)."
  type        = number
  default     = 4

  validation {
    condition     = var.upload_concurrency >= 1 && var.upload_concurrency <= 64 && floor(var.upload_concurrency) == var.upload_concurrency
    error_message = "The upload_concurrency must be a whole number between 1 and 64."
  }
}

variable "upload_part_size" {
  description = "Multipart part size (`upload.partSize`), a number with a binary unit, for example \"64MiB\". S3 needs at least 5MiB."
  type        = string
  default     = "64MiB"

  validation {
    condition     = can(regex("^[0-9]+(MiB|GiB)$", var.upload_part_size))
    error_message = "The upload_part_size must be a whole number followed by MiB or GiB, for example \"64MiB\"."
  }
}

variable "upload_max_bandwidth" {
  description = "Upload bandwidth cap in bytes per second with a unit (`upload.maxBandwidth`), for example \"50MiB\"; null leaves the key out (no cap)."
  type        = string
  default     = null

  validation {
    condition     = var.upload_max_bandwidth == null || can(regex("^[0-9]+(KiB|MiB|GiB)$", var.upload_max_bandwidth))
    error_message = "The upload_max_bandwidth must be null or a whole number followed by KiB, MiB or GiB."
  }
}

variable "role_arn" {
  description = "ARN of the agent role, written into a comment that shows how to use it; null for an IAM user."
  type        = string
  default     = null
}

variable "generated_by" {
  description = "Name of the Terraform configuration that renders the file, for its header comment."
  type        = string
  default     = "terraform/modules/agent-config"
}
