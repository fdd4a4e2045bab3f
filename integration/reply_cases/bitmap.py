"""Bitmap commands: SETBIT, GETBIT, BITCOUNT, BITPOS, BITOP, BITFIELD, BITFIELD_RO."""

from reply_cases import Case

CASES = [
    Case(["SETBIT k x 1", "SETBIT k -1 1", "SETBIT k 4294967296 1", "SETBIT k 1 2",
          "SETBIT k 1 x", "SETBIT k 7 1", "SETBIT k 7 1", "GETBIT k 7", "GETBIT k 100",
          "GETBIT k x", "GETBIT nokey 1", "GET k", "SETBIT k 20 1", "GET k", "SETBIT k 20 0",
          "GET k", "GETBIT n 2", "SETBIT n 2 1", "SETBIT n 0 1", "GET n", "SETBIT l 1 1",
          "GETBIT l 1"],
         setup=["SET n 12", "LPUSH l a"]),
    Case(["BITCOUNT s", "BITCOUNT s 1 1", "BITCOUNT s 5 30 BIT", "BITCOUNT s -2 -1 BYTE",
          "BITCOUNT s 1", "BITCOUNT s x 1", "BITCOUNT s 1 2 bits", "BITCOUNT nokey x y",
          "BITCOUNT l", "BITCOUNT n"],
         setup=["SET s foobar", "SET n 1234", "LPUSH l a"]),
    Case(["BITPOS s 1", "BITPOS s 0 2", "BITPOS s 1 7 15 BIT", "BITPOS f 0", "BITPOS f 0 0 -1",
          "BITPOS nokey 0", "BITPOS nokey 1", "BITPOS s 2", "BITPOS s 1 x", "BITPOS s 1 1 2 x",
          "BITPOS l 1"],
         setup=["SET s foobar", ["SET", "f", b"\xff\xff"], "LPUSH l a"]),
    Case(["BITOP AND d a b", "GET d", "BITOP OR d a b", "BITOP XOR d a nokey", "BITOP NOT d a",
          "GET d", "BITOP NOT d a b", "BITOP nand d a", "BITOP AND d nokey", "EXISTS d",
          "BITOP OR d a l"],
         setup=["SET a abc", "SET b xyzw", "LPUSH l a"]),
    Case(["BITFIELD k SET i8 0 -100 GET u8 0 INCRBY i8 0 300 OVERFLOW SAT INCRBY i8 0 1000",
          "BITFIELD k OVERFLOW FAIL INCRBY u4 #1 100 GET u4 #1", "BITFIELD k", "BITFIELD k GET u64 0",
          "BITFIELD k GET u8 -1", "BITFIELD k OVERFLOW nope", "BITFIELD k SET u8 0 x",
          "BITFIELD k GET", "BITFIELD l GET u8 0", "BITFIELD_RO k GET i16 0 GET u1 7",
          "BITFIELD_RO k SET u8 0 1", "BITFIELD_RO nokey GET u8 0", "BITFIELD_RO k"],
         setup=["LPUSH l a"]),
]
