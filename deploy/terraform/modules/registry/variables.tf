variable "repositories" {
  description = "ECR repositories to create (the app image and the backup image)."
  type        = list(string)
  default     = ["zixly", "zixly-backup"]
}

variable "kms_key_arn" {
  description = "KMS key that encrypts the images."
  type        = string
}

variable "keep_images" {
  description = "How many images each repository keeps."
  type        = number
  default     = 100
}

variable "tags" {
  description = "Tags on every resource."
  type        = map(string)
  default     = {}
}
