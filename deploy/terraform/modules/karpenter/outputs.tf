output "controller_role_arn" {
  description = "Karpenter's IRSA role: its kube-system/karpenter service account's eks.amazonaws.com/role-arn (Helm value serviceAccount.annotations)."
  value       = module.controller_role.arn
}

output "interruption_queue" {
  description = "The SQS queue of spot interruptions and instance events (Helm value settings.interruptionQueue)."
  value       = aws_sqs_queue.interruption.name
}
