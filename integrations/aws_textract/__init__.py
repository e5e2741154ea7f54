"""Amazon Textract (DESIGN §11): the node app.aws_textract (a receipt or invoice read), with
the AWS access key credential S3 uses (kind `s3`; an IAM user needs `textract:AnalyzeExpense`)."""

from __future__ import annotations

from integrations.aws_textract import node
from integrations.s3 import SERVICE as S3
from integrations.service import Service

SERVICE = Service(name="aws_textract", label="AWS Textract", kinds=S3.kinds, node=node.NODE)
