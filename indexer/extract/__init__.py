"""Interpreting a draft: dates, datelines, issuers, speakers and topics. Data files sit beside the code."""
