"""vclient: the virtual-client domain, data access and models shared by the Lambda functions."""
