variable "name" {
  description = "Prefix of every resource's name, e.g. zixly-production."
  type        = string
}

variable "environment" {
  description = "staging or production: the secrets live under zixly/<environment>/."
  type        = string
}

variable "recovery_window_days" {
  description = "How long a deleted secret can still be restored."
  type        = number
  default     = 30
}

variable "tags" {
  description = "Tags on every resource."
  type        = map(string)
  default     = {}
}
