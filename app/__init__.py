"""知答 Zhida: knowledge base and script assistant for customer-service agents."""

__version__ = "0.1.0"
