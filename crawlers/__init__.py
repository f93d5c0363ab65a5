"""Crawlers: Scrapy spiders (one per source) and feed parsing that turn WTO notifications and
standards and regulation changes into typed records, handed to ``store`` by the pipeline.

Runs as a process of its own (``tbtwatch crawl``). Not here: classification (``nlp``) and
anything a person sees. Imports ``store`` only.
"""
