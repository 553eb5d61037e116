// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.20;

import {ERC721} from "@openzeppelin/contracts/token/ERC721/ERC721.sol";

/// A collection with the interface of Decentraland's ERC721CollectionV2 that
/// the reward sender uses: `issueTokens(address[],uint256[])` by a minter,
/// a maximum supply per item, and the `items(uint256)` getter. The tests
/// deploy it on anvil; the sender works against any contract with
/// `issueTokens`.
contract RewardsCollection is ERC721 {
    struct Item {
        string rarity;
        uint256 maxSupply;
        uint256 totalSupply;
        uint256 price;
        address beneficiary;
        string metadata;
        string contentHash;
    }

    // As ERC721CollectionV2: the item id in the high 40 bits, the issue
    // number of the item in the low 216.
    uint256 private constant ISSUED_ID_BITS = 216;

    address public creator;
    mapping(address => bool) public globalMinters;
    Item[] public items;

    event SetGlobalMinter(address indexed minter, bool value);
    event AddItem(uint256 indexed itemId, uint256 maxSupply);
    event Issue(address indexed beneficiary, uint256 indexed tokenId, uint256 indexed itemId, uint256 issuedId);

    constructor() ERC721("Rewards Collection", "RWD") {
        creator = msg.sender;
    }

    function setMinter(address minter, bool value) external {
        require(msg.sender == creator, "setMinter: CALLER_IS_NOT_CREATOR");
        globalMinters[minter] = value;
        emit SetGlobalMinter(minter, value);
    }

    function addItem(uint256 maxSupply) external returns (uint256 itemId) {
        require(msg.sender == creator, "addItem: CALLER_IS_NOT_CREATOR");
        require(maxSupply > 0, "addItem: INVALID_MAX_SUPPLY");
        itemId = items.length;
        items.push(Item("common", maxSupply, 0, 0, address(0), "", ""));
        emit AddItem(itemId, maxSupply);
    }

    function itemsCount() external view returns (uint256) {
        return items.length;
    }

    function issueTokens(address[] calldata beneficiaries, uint256[] calldata itemIds) external {
        require(beneficiaries.length == itemIds.length, "issueTokens: LENGTH_MISMATCH");
        require(msg.sender == creator || globalMinters[msg.sender], "issueTokens: CALLER_CAN_NOT_MINT");
        for (uint256 i = 0; i < itemIds.length; i++) {
            _issueToken(beneficiaries[i], itemIds[i]);
        }
    }

    function _issueToken(address beneficiary, uint256 itemId) internal {
        require(itemId < items.length, "_issueToken: ITEM_DOES_NOT_EXIST");
        Item storage item = items[itemId];
        uint256 issuedId = item.totalSupply + 1;
        require(issuedId <= item.maxSupply, "_issueToken: ITEM_EXHAUSTED");
        item.totalSupply = issuedId;
        uint256 tokenId = (itemId << ISSUED_ID_BITS) | issuedId;
        _mint(beneficiary, tokenId);
        emit Issue(beneficiary, tokenId, itemId, issuedId);
    }
}
