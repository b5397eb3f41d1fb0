output "endpoint" {
  description = "host:port of the database."
  value       = aws_db_instance.this.endpoint
}

output "address" {
  description = "The database's host name."
  value       = aws_db_instance.this.address
}

output "master_user_secret_arn" {
  description = "The RDS-managed secret holding the master password (create Zixly's own role with it)."
  value       = aws_db_instance.this.master_user_secret[0].secret_arn
}

output "arn" {
  description = "The instance's ARN (its automated backups are replicated to the DR region in production)."
  value       = aws_db_instance.this.arn
}
