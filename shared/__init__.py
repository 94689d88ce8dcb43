"""Code shared by every Lambda function of the vehicle-inventory API."""
