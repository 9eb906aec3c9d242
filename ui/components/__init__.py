"""Small reusable widgets; pages arrange them."""
