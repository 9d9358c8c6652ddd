"""The city level above the bureaus: annual reports submitted upward (报送) to the city office
(依法治市办), reviewed and published, and the year's assessment (考核) and ranking (通报)."""
