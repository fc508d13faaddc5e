CorpusClean.main()
