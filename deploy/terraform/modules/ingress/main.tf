# Public ingress on AWS (ADR 0029): the AWS Load Balancer Controller makes one ALB per Ingress,
# with TLS from an ACM certificate validated in Route 53 and a WAF web ACL in front. This module
# makes what the controller does not: the certificate, the web ACL and its log, and the
# controller's IRSA role. The controller itself is installed in kube-system (its Helm chart),
# with serviceAccount.annotations."eks.amazonaws.com/role-arn" set to this role. The subnets are
# tagged for it by the network module (kubernetes.io/role/elb on the public ones).
data "aws_partition" "current" {}

locals {
  # The controller tags everything it makes with its cluster; its write permissions are limited
  # to resources carrying that tag.
  elbv2 = "arn:${data.aws_partition.current.partition}:elasticloadbalancing:*:*"
}

resource "aws_acm_certificate" "this" {
  domain_name       = var.domain_name
  validation_method = "DNS"
  tags              = var.tags
  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_route53_record" "validation" {
  for_each = { for option in aws_acm_certificate.this.domain_validation_options : option.domain_name => option }
  zone_id  = var.dns_zone_id
  name     = each.value.resource_record_name
  type     = each.value.resource_record_type
  records  = [each.value.resource_record_value]
  ttl      = 300
}

resource "aws_acm_certificate_validation" "this" {
  certificate_arn         = aws_acm_certificate.this.arn
  validation_record_fqdns = [for record in aws_route53_record.validation : record.fqdn]
}

# The web ACL: a per-address rate limit, then AWS's managed rules for common exploits, known bad
# inputs (Log4Shell among them) and addresses with a bad reputation. The common rule set's body
# size rule only counts: dataset uploads are CSV files of megabytes, which Zixly bounds itself.
resource "aws_wafv2_web_acl" "this" {
  name  = var.name
  scope = "REGIONAL"
  tags  = var.tags

  default_action {
    allow {}
  }

  rule {
    name     = "rate-limit-per-address"
    priority = 0
    action {
      block {}
    }
    statement {
      rate_based_statement {
        limit              = var.rate_limit_per_ip
        aggregate_key_type = "IP"
      }
    }
    visibility_config {
      cloudwatch_metrics_enabled = true
      metric_name                = "${var.name}-rate-limit"
      sampled_requests_enabled   = true
    }
  }

  rule {
    name     = "AWSManagedRulesAmazonIpReputationList"
    priority = 1
    override_action {
      none {}
    }
    statement {
      managed_rule_group_statement {
        vendor_name = "AWS"
        name        = "AWSManagedRulesAmazonIpReputationList"
      }
    }
    visibility_config {
      cloudwatch_metrics_enabled = true
      metric_name                = "${var.name}-AWSManagedRulesAmazonIpReputationList"
      sampled_requests_enabled   = true
    }
  }

  rule {
    name     = "AWSManagedRulesKnownBadInputsRuleSet"
    priority = 2
    override_action {
      none {}
    }
    statement {
      managed_rule_group_statement {
        vendor_name = "AWS"
        name        = "AWSManagedRulesKnownBadInputsRuleSet"
      }
    }
    visibility_config {
      cloudwatch_metrics_enabled = true
      metric_name                = "${var.name}-AWSManagedRulesKnownBadInputsRuleSet"
      sampled_requests_enabled   = true
    }
  }

  rule {
    name     = "AWSManagedRulesCommonRuleSet"
    priority = 3
    override_action {
      none {}
    }
    statement {
      managed_rule_group_statement {
        vendor_name = "AWS"
        name        = "AWSManagedRulesCommonRuleSet"
          rule_action_override {
            name = "SizeRestrictions_BODY"
            action_to_use {
              count {}
            }
          }
      }
    }
    visibility_config {
      cloudwatch_metrics_enabled = true
      metric_name                = "${var.name}-AWSManagedRulesCommonRuleSet"
      sampled_requests_enabled   = true
    }
  }

  visibility_config {
    cloudwatch_metrics_enabled = true
    metric_name                = var.name
    sampled_requests_enabled   = true
  }
}

# WAF logs must go to a log group whose name starts with aws-waf-logs-.
resource "aws_cloudwatch_log_group" "waf" {
  name              = "aws-waf-logs-${var.name}"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn
  tags              = var.tags
}

resource "aws_wafv2_web_acl_logging_configuration" "this" {
  resource_arn            = aws_wafv2_web_acl.this.arn
  log_destination_configs = [aws_cloudwatch_log_group.waf.arn]
  redacted_fields {
    single_header {
      name = "authorization"
    }
  }
}

# What the controller needs to run ALBs for this cluster's Ingresses: read the account's network
# and certificates; create load balancers, target groups and security groups only tagged with
# its cluster (elbv2.k8s.aws/cluster) and change or delete only those.
data "aws_iam_policy_document" "load_balancer_controller" {
  #checkov:skip=CKV_AWS_356:Describe calls, listener and rule changes and web ACL association take no resource-level restriction; every create, change and delete of a load balancer, target group or security group is limited by its cluster tag.
  #checkov:skip=CKV_AWS_111:Writes are limited by the elbv2.k8s.aws/cluster tag conditions below, which checkov does not read.
  #checkov:skip=CKV_AWS_109:The one permissions action is creating ELB's service-linked role, limited to that service.
  statement {
    sid       = "ServiceLinkedRole"
    actions   = ["iam:CreateServiceLinkedRole"]
    resources = ["*"]
    condition {
      test     = "StringEquals"
      variable = "iam:AWSServiceName"
      values   = ["elasticloadbalancing.amazonaws.com"]
    }
  }
  statement {
    sid     = "Read"
    actions = [
      "ec2:DescribeAccountAttributes", "ec2:DescribeAddresses", "ec2:DescribeAvailabilityZones", "ec2:DescribeInternetGateways",
      "ec2:DescribeVpcs", "ec2:DescribeVpcPeeringConnections", "ec2:DescribeSubnets", "ec2:DescribeSecurityGroups",
      "ec2:DescribeInstances", "ec2:DescribeNetworkInterfaces", "ec2:DescribeTags", "ec2:DescribeCoipPools", "ec2:GetCoipPoolUsage",
      "ec2:DescribeRouteTables", "ec2:GetSecurityGroupsForVpc", "elasticloadbalancing:Describe*", "acm:ListCertificates",
      "acm:DescribeCertificate", "iam:ListServerCertificates", "iam:GetServerCertificate", "wafv2:GetWebACL",
      "wafv2:GetWebACLForResource", "shield:GetSubscriptionState",
    ]
    resources = ["*"]
  }
  statement {
    sid       = "SecurityGroupsCreate"
    actions   = ["ec2:CreateSecurityGroup", "ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress"]
    resources = ["*"]
  }
  statement {
    sid       = "SecurityGroupsTagOnCreate"
    actions   = ["ec2:CreateTags"]
    resources = ["arn:${data.aws_partition.current.partition}:ec2:*:*:security-group/*"]
    condition {
      test     = "StringEquals"
      variable = "ec2:CreateAction"
      values   = ["CreateSecurityGroup"]
    }
    condition {
      test     = "Null"
      variable = "aws:RequestTag/elbv2.k8s.aws/cluster"
      values   = ["false"]
    }
  }
  statement {
    sid       = "SecurityGroupsOwned"
    actions   = ["ec2:CreateTags", "ec2:DeleteTags", "ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress", "ec2:DeleteSecurityGroup"]
    resources = ["arn:${data.aws_partition.current.partition}:ec2:*:*:security-group/*"]
    condition {
      test     = "Null"
      variable = "aws:ResourceTag/elbv2.k8s.aws/cluster"
      values   = ["false"]
    }
  }
  statement {
    sid       = "LoadBalancersCreate"
    actions   = ["elasticloadbalancing:CreateLoadBalancer", "elasticloadbalancing:CreateTargetGroup"]
    resources = ["*"]
    condition {
      test     = "Null"
      variable = "aws:RequestTag/elbv2.k8s.aws/cluster"
      values   = ["false"]
    }
  }
  statement {
    sid     = "ListenersAndRules"
    actions = [
      "elasticloadbalancing:CreateListener", "elasticloadbalancing:DeleteListener", "elasticloadbalancing:CreateRule",
      "elasticloadbalancing:DeleteRule", "elasticloadbalancing:ModifyListener", "elasticloadbalancing:ModifyRule",
      "elasticloadbalancing:AddListenerCertificates", "elasticloadbalancing:RemoveListenerCertificates", "elasticloadbalancing:SetWebAcl",
      "wafv2:AssociateWebACL", "wafv2:DisassociateWebACL",
    ]
    resources = ["*"]
  }
  statement {
    sid     = "LoadBalancersOwned"
    actions = [
      "elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags", "elasticloadbalancing:ModifyLoadBalancerAttributes",
      "elasticloadbalancing:SetIpAddressType", "elasticloadbalancing:SetSecurityGroups", "elasticloadbalancing:SetSubnets",
      "elasticloadbalancing:DeleteLoadBalancer", "elasticloadbalancing:ModifyTargetGroup", "elasticloadbalancing:ModifyTargetGroupAttributes",
      "elasticloadbalancing:DeleteTargetGroup", "elasticloadbalancing:RegisterTargets", "elasticloadbalancing:DeregisterTargets",
    ]
    resources = ["${local.elbv2}:loadbalancer/app/*/*", "${local.elbv2}:loadbalancer/net/*/*", "${local.elbv2}:targetgroup/*/*"]
    condition {
      test     = "Null"
      variable = "aws:ResourceTag/elbv2.k8s.aws/cluster"
      values   = ["false"]
    }
  }
  statement {
    sid       = "TagOnCreate"
    actions   = ["elasticloadbalancing:AddTags"]
    resources = ["${local.elbv2}:loadbalancer/app/*/*", "${local.elbv2}:loadbalancer/net/*/*", "${local.elbv2}:targetgroup/*/*"]
    condition {
      test     = "StringEquals"
      variable = "elasticloadbalancing:CreateAction"
      values   = ["CreateLoadBalancer", "CreateTargetGroup"]
    }
  }
}

module "load_balancer_controller_role" {
  source            = "../irsa"
  name              = "${var.name}-load-balancer-controller"
  oidc_provider_arn = var.oidc_provider_arn
  service_account   = "kube-system/aws-load-balancer-controller"
  policy_name       = "aws-load-balancer-controller"
  policy_json       = data.aws_iam_policy_document.load_balancer_controller.json
  tags              = var.tags
}
