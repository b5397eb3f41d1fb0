variable "name" {
  description = "Prefix of the bucket names, e.g. zixly-production (results: <name>-results, backups: <name>-backups)."
  type        = string
}

variable "kms_key_arn" {
  description = "KMS key that encrypts every object."
  type        = string
}

variable "results_noncurrent_days" {
  description = "How long a replaced or deleted result stays recoverable."
  type        = number
  default     = 90
}

variable "backup_retention_days" {
  description = "How long database dumps are kept."
  type        = number
  default     = 35
}

variable "tags" {
  description = "Tags on every resource."
  type        = map(string)
  default     = {}
}
