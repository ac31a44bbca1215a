// The BIRD 2 configurations of the routing test, and the text docs/routing.md quotes: a node's (next to
// the agent: kube-lb0's direct routes exported over BGP, nothing imported) and the router's (ECMP into
// its kernel table). The test runs exactly nodeBirdConfig(); a test checks the doc quotes it verbatim.

/** The router's address on the segment: the nodes' default gateway, and their BGP neighbour. */
export const ROUTER_IP = '172.30.250.1';
export const ROUTER_AS = 64512;
/** Every node speaks from the same AS: the router's routes from all of them compare equal (ECMP). */
export const NODE_AS = 64513;

/** A node's /etc/bird/bird.conf; only the node's own address differs from one node to the next. */
export function nodeBirdConfig(nodeIp: string): string {
  return `# /etc/bird/bird.conf on a node running purelb-agent (node ${nodeIp}, router ${ROUTER_IP})
router id ${nodeIp};

# Interfaces and their addresses; BIRD writes nothing into this node's routing table (no kernel
# protocol), so it never learns the node's own routes, default route included.
protocol device {
}

# The routes the kernel made for the addresses PureLB put on kube-lb0, and nothing else: a /32 per
# address of an "aggregation: /32" pool, the pool's prefix for "aggregation: /24".
protocol direct purelb {
  ipv4;
  interface "kube-lb0";
}

# The remote pools, as announced: each address of 172.31.1.0/24 alone, 172.31.2.0/24 as one route.
define PURELB_ROUTES = [ 172.31.1.0/24{32,32}, 172.31.2.0/24 ];

filter purelb_export {
  if proto != "purelb" then reject;
  if net ~ PURELB_ROUTES then accept;
  reject;
}

protocol bgp upstream {
  local ${nodeIp} as ${NODE_AS};
  neighbor ${ROUTER_IP} as ${ROUTER_AS};
  hold time 9;
  keepalive time 3;
  connect retry time 1;
  ipv4 {
    import none;
    export filter purelb_export;
  };
}
`;
}

export interface Peer {
  name: string;
  ip: string;
}

/**
 * The router's configuration: a BGP session per node and ECMP into its kernel table. `importAll`: the
 * test's router takes whatever the nodes send (so that a node advertising too much shows), where the doc's
 * filters it to the pools.
 */
export function routerBirdConfig(peers: readonly Peer[], importAll = false): string {
  const sessions = peers.map(
    (p) => `protocol bgp ${p.name.replace(/-/g, '_')} from purelb_node {
  neighbor ${p.ip} as ${NODE_AS};
}
`,
  );
  return `# The router: learns the LoadBalancer addresses from every node, installs them with one next hop per node
router id ${ROUTER_IP};

protocol device {
}

protocol kernel {
  ipv4 {
    import none;
    export where source = RTS_BGP;
  };
  merge paths on;
}

define PURELB_ROUTES = [ 172.31.1.0/24{32,32}, 172.31.2.0/24 ];

template bgp purelb_node {
  local ${ROUTER_IP} as ${ROUTER_AS};
  hold time 9;
  keepalive time 3;
  connect retry time 1;
  ipv4 {
    import ${importAll ? 'all' : 'where net ~ PURELB_ROUTES'};
    export none;
  };
}

${sessions.join('\n')}`;
}
