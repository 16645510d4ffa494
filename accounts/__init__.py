"""People administered in the product: invitations, account changes and their history,
notifications (in the product and by e-mail)."""
