# Node autoscaling with Karpenter (ADR 0035): the controller's IRSA role, the queue through which
# it hears of spot interruptions and instance events early enough to drain nodes, and the
# discovery tag on the cluster's security group (the network module tags the private subnets).
# Karpenter itself is installed in kube-system from its Helm chart with this role and queue;
# its NodePools and EC2NodeClass are in deploy/kubernetes/nodes.
data "aws_partition" "current" {}
data "aws_region" "current" {}
data "aws_caller_identity" "current" {}

locals {
  partition = data.aws_partition.current.partition
  region    = data.aws_region.current.region
  account   = data.aws_caller_identity.current.account_id
  # Everything Karpenter launches carries the cluster's ownership tag; its writes require it.
  owned_tag = "aws:ResourceTag/kubernetes.io/cluster/${var.cluster_name}"
  ec2       = "arn:${local.partition}:ec2:${local.region}"
  # The events that warn of a node's end: spot interruption (2 minutes), rebalance advice,
  # scheduled maintenance, and instances stopping or terminating.
  interruption_events = {
    spot-interruption = { source = ["aws.ec2"], detail-type = ["EC2 Spot Instance Interruption Warning"] }
    rebalance         = { source = ["aws.ec2"], detail-type = ["EC2 Instance Rebalance Recommendation"] }
    scheduled-change  = { source = ["aws.health"], detail-type = ["AWS Health Event"] }
    state-change      = { source = ["aws.ec2"], detail-type = ["EC2 Instance State-change Notification"] }
  }
}

resource "aws_ec2_tag" "security_group_discovery" {
  resource_id = var.cluster_security_group_id
  key         = "karpenter.sh/discovery"
  value       = var.cluster_name
}

resource "aws_sqs_queue" "interruption" {
  name                      = "${var.cluster_name}-karpenter"
  message_retention_seconds = 300
  sqs_managed_sse_enabled   = true
  tags                      = var.tags
}

data "aws_iam_policy_document" "interruption_queue" {
  statement {
    sid       = "EventsSend"
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.interruption.arn]
    principals {
      type        = "Service"
      identifiers = ["events.amazonaws.com", "sqs.amazonaws.com"]
    }
  }
  statement {
    sid       = "DenyWithoutTLS"
    effect    = "Deny"
    actions   = ["sqs:*"]
    resources = [aws_sqs_queue.interruption.arn]
    principals {
      type        = "*"
      identifiers = ["*"]
    }
    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

resource "aws_sqs_queue_policy" "interruption" {
  queue_url = aws_sqs_queue.interruption.id
  policy    = data.aws_iam_policy_document.interruption_queue.json
}

resource "aws_cloudwatch_event_rule" "interruption" {
  for_each      = local.interruption_events
  name          = "${var.cluster_name}-karpenter-${each.key}"
  event_pattern = jsonencode(each.value)
  tags          = var.tags
}

resource "aws_cloudwatch_event_target" "interruption" {
  for_each = local.interruption_events
  rule     = aws_cloudwatch_event_rule.interruption[each.key].name
  arn      = aws_sqs_queue.interruption.arn
}

# Launch, tag and terminate instances and launch templates owned by this cluster; read the
# region's instance types, prices, images and network; pass the node role to EC2; manage the
# instance profiles it makes for that role; read the interruption queue.
data "aws_iam_policy_document" "controller" {
  #checkov:skip=CKV_AWS_356:Describe calls, pricing and launching from any image, subnet or security group of the region take no narrower resource; every instance, volume and template they make must carry this cluster's tag.
  #checkov:skip=CKV_AWS_111:Writes are limited by the kubernetes.io/cluster/<name> tag conditions below, which checkov does not read.
  #checkov:skip=CKV_AWS_109:iam:PassRole is limited to the node role and to EC2; instance profiles to those tagged with this cluster.
  statement {
    sid     = "LaunchFromTheRegion"
    actions = ["ec2:RunInstances", "ec2:CreateFleet"]
    resources = [
      "${local.ec2}::image/*", "${local.ec2}::snapshot/*", "${local.ec2}:*:security-group/*", "${local.ec2}:*:subnet/*",
      "${local.ec2}:*:capacity-reservation/*",
    ]
  }
  statement {
    sid       = "LaunchOwnedTemplates"
    actions   = ["ec2:RunInstances", "ec2:CreateFleet"]
    resources = ["${local.ec2}:*:launch-template/*"]
    condition {
      test     = "StringEquals"
      variable = local.owned_tag
      values   = ["owned"]
    }
  }
  statement {
    sid     = "CreateOwned"
    actions = ["ec2:RunInstances", "ec2:CreateFleet", "ec2:CreateLaunchTemplate"]
    resources = [
      "${local.ec2}:*:fleet/*", "${local.ec2}:*:instance/*", "${local.ec2}:*:volume/*", "${local.ec2}:*:network-interface/*",
      "${local.ec2}:*:launch-template/*", "${local.ec2}:*:spot-instances-request/*",
    ]
    condition {
      test     = "StringEquals"
      variable = "aws:RequestTag/kubernetes.io/cluster/${var.cluster_name}"
      values   = ["owned"]
    }
    condition {
      test     = "StringLike"
      variable = "aws:RequestTag/karpenter.sh/nodepool"
      values   = ["*"]
    }
  }
  statement {
    sid     = "TagWhatItCreates"
    actions = ["ec2:CreateTags"]
    resources = [
      "${local.ec2}:*:fleet/*", "${local.ec2}:*:instance/*", "${local.ec2}:*:volume/*", "${local.ec2}:*:network-interface/*",
      "${local.ec2}:*:launch-template/*", "${local.ec2}:*:spot-instances-request/*",
    ]
    condition {
      test     = "StringEquals"
      variable = "aws:RequestTag/kubernetes.io/cluster/${var.cluster_name}"
      values   = ["owned"]
    }
    condition {
      test     = "StringEquals"
      variable = "ec2:CreateAction"
      values   = ["RunInstances", "CreateFleet", "CreateLaunchTemplate"]
    }
  }
  statement {
    sid       = "TagOwnedInstances"
    actions   = ["ec2:CreateTags"]
    resources = ["${local.ec2}:*:instance/*"]
    condition {
      test     = "StringEquals"
      variable = local.owned_tag
      values   = ["owned"]
    }
    condition {
      test     = "ForAllValues:StringEquals"
      variable = "aws:TagKeys"
      values   = ["eks:eks-cluster-name", "karpenter.sh/nodeclaim", "Name"]
    }
  }
  statement {
    sid       = "DeleteOwned"
    actions   = ["ec2:TerminateInstances", "ec2:DeleteLaunchTemplate"]
    resources = ["${local.ec2}:*:instance/*", "${local.ec2}:*:launch-template/*"]
    condition {
      test     = "StringEquals"
      variable = local.owned_tag
      values   = ["owned"]
    }
  }
  statement {
    sid = "ReadTheRegion"
    actions = [
      "ec2:DescribeAvailabilityZones", "ec2:DescribeImages", "ec2:DescribeInstances", "ec2:DescribeInstanceTypeOfferings",
      "ec2:DescribeInstanceTypes", "ec2:DescribeLaunchTemplates", "ec2:DescribeSecurityGroups", "ec2:DescribeSpotPriceHistory",
      "ec2:DescribeSubnets", "ec2:DescribeCapacityReservations", "pricing:GetProducts", "iam:GetInstanceProfile",
    ]
    resources = ["*"]
  }
  statement {
    sid       = "ReadImageParameters"
    actions   = ["ssm:GetParameter"]
    resources = ["arn:${local.partition}:ssm:${local.region}::parameter/aws/service/*"]
  }
  statement {
    sid       = "ReadInterruptions"
    actions   = ["sqs:DeleteMessage", "sqs:GetQueueUrl", "sqs:ReceiveMessage"]
    resources = [aws_sqs_queue.interruption.arn]
  }
  statement {
    sid       = "PassNodeRole"
    actions   = ["iam:PassRole"]
    resources = [var.node_role_arn]
    condition {
      test     = "StringEquals"
      variable = "iam:PassedToService"
      values   = ["ec2.amazonaws.com"]
    }
  }
  statement {
    sid       = "CreateOwnedInstanceProfiles"
    actions   = ["iam:CreateInstanceProfile", "iam:TagInstanceProfile"]
    resources = ["arn:${local.partition}:iam::${local.account}:instance-profile/*"]
    condition {
      test     = "StringEquals"
      variable = "aws:RequestTag/kubernetes.io/cluster/${var.cluster_name}"
      values   = ["owned"]
    }
  }
  statement {
    sid       = "ManageOwnedInstanceProfiles"
    actions   = ["iam:AddRoleToInstanceProfile", "iam:RemoveRoleFromInstanceProfile", "iam:DeleteInstanceProfile", "iam:TagInstanceProfile"]
    resources = ["arn:${local.partition}:iam::${local.account}:instance-profile/*"]
    condition {
      test     = "StringEquals"
      variable = local.owned_tag
      values   = ["owned"]
    }
  }
  statement {
    sid       = "FindTheCluster"
    actions   = ["eks:DescribeCluster"]
    resources = ["arn:${local.partition}:eks:${local.region}:${local.account}:cluster/${var.cluster_name}"]
  }
}

module "controller_role" {
  source            = "../irsa"
  name              = "${var.cluster_name}-karpenter"
  oidc_provider_arn = var.oidc_provider_arn
  service_account   = "kube-system/karpenter"
  policy_name       = "karpenter"
  policy_json       = data.aws_iam_policy_document.controller.json
  tags              = var.tags
}
