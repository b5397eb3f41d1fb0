variable "name" {
  description = "The bucket's name."
  type        = string
}

variable "kms_key_arn" {
  description = "KMS key that encrypts every object."
  type        = string
}

variable "access_log_bucket" {
  description = "Bucket that receives this bucket's access logs (null: this is the log bucket)."
  type        = string
  default     = null
}

variable "receives_access_logs" {
  description = "Allow S3's log delivery to write here."
  type        = bool
  default     = false
}

variable "lifecycle_rules" {
  description = "Expiry rules: current objects after expire_days (null: never), older versions after noncurrent_days, under prefix."
  type = list(object({
    id              = string
    prefix          = optional(string, "")
    transition_days = optional(number)
    expire_days     = optional(number)
    noncurrent_days = optional(number, 30)
  }))
}

variable "tags" {
  description = "Tags on every resource."
  type        = map(string)
  default     = {}
}
