"""The process around the product: settings (the only reader of the environment), the embedded stack
(`cer up`), notifications, Prefect's environment."""
