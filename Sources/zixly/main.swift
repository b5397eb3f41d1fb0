print("zixly")
