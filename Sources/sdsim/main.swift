print("sdsim")
