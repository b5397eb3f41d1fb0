variable "name" {
  description = "The environment's name prefix, e.g. zixly-production."
  type        = string
}

variable "results_bucket" {
  description = "The primary region's results bucket (its objects are replicated)."
  type        = string
}

variable "backups_bucket" {
  description = "The primary region's backups bucket (the nightly dumps are replicated)."
  type        = string
}

variable "kms_key_arn" {
  description = "The primary region's KMS key, which encrypts the source objects."
  type        = string
}

variable "database_arn" {
  description = "The RDS instance whose automated backups are replicated."
  type        = string
}

variable "backup_retention_days" {
  description = "Days of point-in-time recovery kept in the secondary region."
  type        = number
  default     = 14
}

variable "dump_retention_days" {
  description = "Days the replicated nightly dumps are kept."
  type        = number
  default     = 35
}

variable "tags" {
  description = "Tags on every resource."
  type        = map(string)
  default     = {}
}
