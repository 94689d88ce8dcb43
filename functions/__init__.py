"""One module per Lambda function; each is a few lines over `shared`."""
