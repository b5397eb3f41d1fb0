variable "region" {
  description = "AWS region of the staging environment."
  type        = string
  default     = "eu-west-1"
}

variable "availability_zones" {
  description = "Three zones of the region."
  type        = list(string)
  default     = ["eu-west-1a", "eu-west-1b", "eu-west-1c"]
}
