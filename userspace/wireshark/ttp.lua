-- SPDX-License-Identifier: GPL-2.0
-- Wireshark dissector for TTP, IP protocol 253 (Documentation/protocol.md).
--   tshark -X lua_script:ttp.lua -r capture.pcap -Y ttp253
-- or copy it to ~/.local/lib/wireshark/plugins/. The filter name is ttp253:
-- Wireshark's "ttp" is another protocol (the Tiny Transport Protocol).
--
-- Every header field, the flags, the options (MSS, window scale,
-- timestamps), sequence numbers relative to each direction's first one, the
-- next sequence number, the window scaled as the handshake negotiated, and,
-- if the "Validate the checksum" preference is on, the checksum (off by
-- default, as for TCP: a capture on the sending host sees checksums that
-- the device has yet to fill in).

local IPPROTO_TTP = 253

-- Wireshark 4.0 has Lua 5.2 (bit32); later ones 5.3 and up (operators).
local band, rshift, lshift
if bit32 then
	band, rshift, lshift = bit32.band, bit32.rshift, bit32.lshift
else
	band = load("return function(a, b) return a & b end")()
	rshift = load("return function(a, b) return a >> b end")()
	lshift = load("return function(a, b) return a << b end")()
end

local ttp = Proto("ttp253", "TTP (IP protocol 253)")

local flag_names = { [0x01] = "FIN", [0x02] = "SYN", [0x04] = "RST",
		     [0x08] = "PSH", [0x10] = "ACK" }
local option_names = { [0] = "End of options", [1] = "No-op", [2] = "MSS",
		       [3] = "Window scale", [4] = "SACK permitted", [5] = "SACK",
		       [8] = "Timestamps" }

local f = {
	srcport = ProtoField.uint16("ttp253.srcport", "Source port"),
	dstport = ProtoField.uint16("ttp253.dstport", "Destination port"),
	port = ProtoField.uint16("ttp253.port", "Port"),
	seq = ProtoField.uint32("ttp253.seq", "Sequence number"),
	seq_raw = ProtoField.uint32("ttp253.seq_raw", "Sequence number (raw)"),
	nxtseq = ProtoField.uint32("ttp253.nxtseq", "Next sequence number"),
	ack = ProtoField.uint32("ttp253.ack", "Acknowledgment number"),
	ack_raw = ProtoField.uint32("ttp253.ack_raw", "Acknowledgment number (raw)"),
	hdr_len = ProtoField.uint8("ttp253.hdr_len", "Header length", base.DEC, nil, 0xf0),
	flags = ProtoField.uint8("ttp253.flags", "Flags", base.HEX),
	flag_fin = ProtoField.bool("ttp253.flags.fin", "FIN", 8, nil, 0x01),
	flag_syn = ProtoField.bool("ttp253.flags.syn", "SYN", 8, nil, 0x02),
	flag_rst = ProtoField.bool("ttp253.flags.rst", "RST", 8, nil, 0x04),
	flag_psh = ProtoField.bool("ttp253.flags.psh", "PSH", 8, nil, 0x08),
	flag_ack = ProtoField.bool("ttp253.flags.ack", "ACK", 8, nil, 0x10),
	flag_unknown = ProtoField.uint8("ttp253.flags.unknown", "Undefined flags",
					base.HEX, nil, 0xe0),
	window = ProtoField.uint16("ttp253.window_size_value", "Window"),
	window_size = ProtoField.uint32("ttp253.window_size", "Calculated window size"),
	reserved = ProtoField.uint16("ttp253.reserved", "Reserved", base.HEX),
	checksum = ProtoField.uint16("ttp253.checksum", "Checksum", base.HEX),
	checksum_status = ProtoField.string("ttp253.checksum.status", "Checksum status"),
	options = ProtoField.bytes("ttp253.options", "Options"),
	option_kind = ProtoField.uint8("ttp253.option_kind", "Kind", base.DEC, option_names),
	option_len = ProtoField.uint8("ttp253.option_len", "Length"),
	mss = ProtoField.uint16("ttp253.options.mss_val", "MSS"),
	wscale = ProtoField.uint8("ttp253.options.wscale.shift", "Shift count"),
	tsval = ProtoField.uint32("ttp253.options.timestamp.tsval", "Timestamp value"),
	tsecr = ProtoField.uint32("ttp253.options.timestamp.tsecr", "Timestamp echo reply"),
	sack_le = ProtoField.uint32("ttp253.options.sack_le", "SACK left edge"),
	sack_re = ProtoField.uint32("ttp253.options.sack_re", "SACK right edge"),
	len = ProtoField.uint32("ttp253.len", "Segment length"),
	stream = ProtoField.uint32("ttp253.stream", "Stream index"),
	payload = ProtoField.bytes("ttp253.payload", "Payload"),
}
ttp.fields = f

ttp.prefs.checksum = Pref.bool("Validate the checksum", false,
			       "Check each segment's checksum (off: a capture on the " ..
			       "sending host sees checksums not yet filled in)")

-- Per direction of each connection, in capture order: the first sequence
-- number seen and the window scale its SYN announced. What a packet's
-- analysis found on the first pass is kept for later ones (by number).
local streams, nstreams, analysed = {}, 0, {}

local function init()
	streams, nstreams, analysed = {}, 0, {}
end
ttp.init = init

local function conn_key(src, sport, dst, dport)
	return tostring(src) .. "|" .. sport .. "|" .. tostring(dst) .. "|" .. dport
end

-- The addresses of the IP header carrying the segment (the innermost).
local ip_src, ip_dst = Field.new("ip.src"), Field.new("ip.dst")
local ip6_src, ip6_dst = Field.new("ipv6.src"), Field.new("ipv6.dst")

local function last(field)
	local all = { field() }
	return all[#all]
end

-- The Internet checksum over the pseudo-header and the segment: 0xffff if
-- it is right. (The length goes in as one 16-bit word for IPv4, two for
-- IPv6; up to 65535 bytes it is the same sum.)
local function checksum(pinfo, tvb)
	local src, dst = last(ip_src), last(ip_dst)
	if not src then
		src, dst = last(ip6_src), last(ip6_dst)
	end
	if not src or not dst then
		return nil
	end
	local sum = 0
	local function add_bytes(b)
		local n = b:len()
		for i = 0, n - 1, 2 do
			sum = sum + b:get_index(i) * 256 + (i + 1 < n and b:get_index(i + 1) or 0)
		end
	end
	add_bytes(src.range:bytes())
	add_bytes(dst.range:bytes())
	sum = sum + IPPROTO_TTP + tvb:len()
	add_bytes(tvb:bytes())
	while sum > 0xffff do
		sum = band(sum, 0xffff) + rshift(sum, 16)
	end
	return sum
end

-- The window scale a SYN announces, if it does.
-- The options of a header HLEN long: a list of { kind, off, len } (EOL and
-- NOP one byte long), and what was wrong if the walk had to stop early.
local function ttp_options(tvb, hlen)
	local opts, off = {}, 20
	while off < hlen do
		local kind = tvb(off, 1):uint()
		if kind <= 1 then
			opts[#opts + 1] = { kind = kind, off = off, len = 1 }
			if kind == 0 then
				break
			end
			off = off + 1
		else
			if off + 1 >= hlen then
				return opts, "Option runs past the header"
			end
			local olen = tvb(off + 1, 1):uint()
			if olen < 2 or off + olen > hlen then
				return opts, "Bad option length " .. olen
			end
			opts[#opts + 1] = { kind = kind, off = off, len = olen }
			off = off + olen
		end
	end
	return opts, nil
end

-- The window scale a SYN announces, if it does.
local function ttp_wscale(tvb, hlen, flags)
	if band(flags, 0x02) == 0 or hlen < 20 or hlen > tvb:len() then
		return nil
	end
	for _, o in ipairs((ttp_options(tvb, hlen))) do
		if o.kind == 3 and o.len == 3 then
			return tvb(o.off + 2, 1):uint()
		end
	end
	return nil
end

function ttp.dissector(tvb, pinfo, tree)
	if tvb:len() < 20 then
		return 0
	end
	pinfo.cols.protocol = "TTP"
	local sport, dport = tvb(0, 2):uint(), tvb(2, 2):uint()
	local seq, ack = tvb(4, 4):uint(), tvb(8, 4):uint()
	local hlen = rshift(tvb(12, 1):uint(), 4) * 4
	local flags = tvb(13, 1):uint()
	local win = tvb(14, 2):uint()
	local t = tree:add(ttp, tvb(0, math.min(math.max(hlen, 20), tvb:len())),
			   string.format("TTP, Src Port: %d, Dst Port: %d", sport, dport))

	-- Relative numbers and window scale, per direction, by capture order.
	local key = conn_key(pinfo.src, sport, pinfo.dst, dport)
	local rkey = conn_key(pinfo.dst, dport, pinfo.src, sport)
	local a = analysed[pinfo.number]
	if not a then
		local dir, peer = streams[key], streams[rkey]
		-- A SYN with a new sequence number starts a new connection.
		if not dir or (band(flags, 0x02) ~= 0 and dir.isn ~= seq) then
			if not (peer and peer.fresh) then
				nstreams = nstreams + 1
			end
			dir = { isn = seq, wscale = -1, fresh = true,
				stream = (peer and peer.fresh) and peer.stream or nstreams - 1 }
			streams[key] = dir
			if peer then
				peer.fresh = false
			end
		end
		local wscale = ttp_wscale(tvb, hlen, flags)
		if wscale then
			dir.wscale = wscale
		end
		a = { isn = dir.isn, peer_isn = peer and peer.isn, stream = dir.stream, scale = 0 }
		if band(flags, 0x02) == 0 and dir.wscale >= 0 and peer and peer.wscale >= 0 then
			a.scale = dir.wscale
		end
		analysed[pinfo.number] = a
	end

	t:add(f.srcport, tvb(0, 2))
	t:add(f.dstport, tvb(2, 2))
	t:add(f.port, tvb(0, 2)):set_hidden()
	t:add(f.port, tvb(2, 2)):set_hidden()
	t:add(f.stream, a.stream):set_generated()
	local plen = math.max(tvb:len() - hlen, 0)
	t:add(f.len, plen):set_generated()
	t:add(f.seq, (seq - a.isn) % 2^32):set_generated()
	t:add(f.seq_raw, tvb(4, 4))
	local nxt = seq - a.isn + plen + ((band(flags, 0x02) ~= 0) and 1 or 0) +
		    ((band(flags, 0x01) ~= 0) and 1 or 0)
	t:add(f.nxtseq, nxt % 2^32):set_generated()
	if band(flags, 0x10) ~= 0 then
		t:add(f.ack, a.peer_isn and (ack - a.peer_isn) % 2^32 or ack):set_generated()
	end
	t:add(f.ack_raw, tvb(8, 4))
	t:add(f.hdr_len, tvb(12, 1)):append_text(string.format(" (%d bytes)", hlen))
	local names = {}
	for bit = 0, 4 do
		if band(flags, lshift(1, bit)) ~= 0 then
			names[#names + 1] = flag_names[lshift(1, bit)]
		end
	end
	local ft = t:add(f.flags, tvb(13, 1)):append_text(" (" .. table.concat(names, ", ") .. ")")
	ft:add(f.flag_unknown, tvb(13, 1))
	ft:add(f.flag_ack, tvb(13, 1))
	ft:add(f.flag_psh, tvb(13, 1))
	ft:add(f.flag_rst, tvb(13, 1))
	ft:add(f.flag_syn, tvb(13, 1))
	ft:add(f.flag_fin, tvb(13, 1))
	t:add(f.window, tvb(14, 2))
	t:add(f.reserved, tvb(16, 2))
	local ct = t:add(f.checksum, tvb(18, 2))
	if ttp.prefs.checksum and tvb:len() == tvb:reported_length_remaining() then
		local sum = checksum(pinfo, tvb)
		if sum then
			ct:add(f.checksum_status, sum == 0xffff and "Good" or "Bad"):set_generated()
			if sum ~= 0xffff then
				ct:add_expert_info(PI_CHECKSUM, PI_ERROR, "Bad checksum")
			end
		end
	end

	-- Options.
	if hlen < 20 or hlen > tvb:len() then
		t:add_expert_info(PI_MALFORMED, PI_ERROR, "Bad header length " .. hlen)
		return tvb:len()
	end
	if hlen > 20 then
		local ot = t:add(f.options, tvb(20, hlen - 20))
		local opts, err = ttp_options(tvb, hlen)
		for _, op in ipairs(opts) do
			local off, olen, kind = op.off, op.len, op.kind
			if kind <= 1 then
				ot:add(f.option_kind, tvb(off, 1))
			else
				local o = ot:add(tvb(off, olen), option_names[kind] or ("Option " .. kind))
				o:add(f.option_kind, tvb(off, 1))
				o:add(f.option_len, tvb(off + 1, 1))
				if kind == 2 and olen == 4 then
					o:add(f.mss, tvb(off + 2, 2))
					o:append_text(": " .. tvb(off + 2, 2):uint())
				elseif kind == 3 and olen == 3 then
					o:add(f.wscale, tvb(off + 2, 1))
					o:append_text(": " .. tvb(off + 2, 1):uint())
				elseif kind == 8 and olen == 10 then
					o:add(f.tsval, tvb(off + 2, 4))
					o:add(f.tsecr, tvb(off + 6, 4))
					o:append_text(string.format(": TSval %d, TSecr %d",
								    tvb(off + 2, 4):uint(),
								    tvb(off + 6, 4):uint()))
				elseif kind == 5 and olen >= 10 and (olen - 2) % 8 == 0 then
					for b = off + 2, off + olen - 8, 8 do
						o:add(f.sack_le, tvb(b, 4))
						o:add(f.sack_re, tvb(b + 4, 4))
					end
					o:append_text(string.format(": %d blocks", (olen - 2) / 8))
				end
			end
		end
		if err then
			ot:add_expert_info(PI_MALFORMED, PI_ERROR, err)
		end
	end

	-- A SYN's window is never scaled; later ones by what this side's SYN
	-- announced, once the other side's SYN announced one too.
	local scale = a.scale
	t:add(f.window_size, lshift(win, scale)):set_generated()

	if plen > 0 then
		t:add(f.payload, tvb(hlen, plen))
	end
	pinfo.cols.info = string.format("%d → %d [%s] Seq=%d%s Win=%d Len=%d", sport, dport,
		table.concat(names, ", "), (seq - a.isn) % 2^32,
		(band(flags, 0x10) ~= 0 and a.peer_isn) and (" Ack=" .. (ack - a.peer_isn) % 2^32) or "",
		lshift(win, scale), plen)
	return tvb:len()
end

DissectorTable.get("ip.proto"):add(IPPROTO_TTP, ttp)
